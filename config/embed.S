/*
 * Files the program ships, embedded at build time so the binary is
 * self-contained: default bindings, Claude Code settings, the VM startup
 * script and the VM price table.  Each is NUL-terminated.
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

	.section .note.GNU-stack,"",@progbits
