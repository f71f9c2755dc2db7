/*
 * The one place where the options that lower layers take are read from
 * the config by name and put into their typed structs.  gcp/, vt/ and
 * layouts/ never look an option up by name, so a misspelt name cannot hide
 * below tui/.  The structs borrow the config's strings: use them before the
 * next `set`, or copy them (agents_op_start does).
 */
#ifndef SANDBOX_TUI_OPTS_H
#define SANDBOX_TUI_OPTS_H

struct config;
struct agents_opts;
struct image_args;
struct gce_opts;
struct vm_opts;
struct vm_setup;

void opts_agents(struct config *, struct agents_opts *);
/* What the command line left unsaid, and the tags and certificates. */
void opts_image(struct config *, struct image_args *);
void opts_gce(struct config *, struct gce_opts *);
/* The VM's options; vm_opts_prepare (gcp/vm.h) completes them. */
void opts_vm(struct config *, struct vm_opts *, struct vm_setup *);

#endif
