/*
 * Files the program ships, embedded at build time so the binary is
 * self-contained: default bindings, Claude Code settings, the VM startup
 * script, the VM price table and the agent image's build files (image
 * build sends them as its build context).  Each is NUL-terminated.
 */
	.section .rodata
	.global config_default_conf
	.type config_default_conf, @object
	.balign 16
config_default_conf:
	.incbin "config/default.conf"
	.byte 0
	.size config_default_conf, . - config_default_conf

	.global config_claude_settings
	.type config_claude_settings, @object
	.balign 16
config_claude_settings:
	.incbin "config/claude-settings.json"
	.byte 0
	.size config_claude_settings, . - config_claude_settings

	.global config_startup_script
	.type config_startup_script, @object
	.balign 16
config_startup_script:
	.incbin "config/startup-script.sh"
	.byte 0
	.size config_startup_script, . - config_startup_script

	.global config_gce_prices
	.type config_gce_prices, @object
	.balign 16
config_gce_prices:
	.incbin "config/gce-prices.conf"
	.byte 0
	.size config_gce_prices, . - config_gce_prices

	.global config_image_dockerfile_base
	.type config_image_dockerfile_base, @object
	.balign 16
config_image_dockerfile_base:
	.incbin "config/agent-image/Dockerfile.base"
	.byte 0
	.size config_image_dockerfile_base, . - config_image_dockerfile_base

	.global config_image_dockerfile
	.type config_image_dockerfile, @object
	.balign 16
config_image_dockerfile:
	.incbin "config/agent-image/Dockerfile"
	.byte 0
	.size config_image_dockerfile, . - config_image_dockerfile

	.global config_image_entrypoint
	.type config_image_entrypoint, @object
	.balign 16
config_image_entrypoint:
	.incbin "config/agent-image/entrypoint.sh"
	.byte 0
	.size config_image_entrypoint, . - config_image_entrypoint

	.section .note.GNU-stack,"",@progbits
