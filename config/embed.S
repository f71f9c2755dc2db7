/*
 * Files the program ships, embedded at build time so the binary is
 * self-contained (default bindings now; the VM startup script, Claude Code
 * settings and agent image files as they arrive).  Each is NUL-terminated.
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

	.section .note.GNU-stack,"",@progbits
