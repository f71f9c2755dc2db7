/*
 * Project, zone and region as gcloud users already set them: config
 * options (gcp.project, gcp.zone, gcp.region, which also take PROJECT_ID,
 * ZONE and REGION from the environment), then CLOUDSDK_CORE_PROJECT,
 * CLOUDSDK_COMPUTE_ZONE and CLOUDSDK_COMPUTE_REGION, then gcloud's active
 * configuration (CLOUDSDK_ACTIVE_CONFIG_NAME, else the file
 * active_config, else "default"; the INI file
 * configurations/config_NAME under CLOUDSDK_CONFIG or ~/.config/gcloud:
 * [core] project, [compute] zone and region).  The region defaults to the
 * zone's ("us-central1-a" -> "us-central1").
 */
#ifndef SANDBOX_TUI_GCLOUD_H
#define SANDBOX_TUI_GCLOUD_H

struct gcloud_place {
	char	*project;	/* NULL when none is set anywhere */
	char	*zone;
	char	*region;
	/* Where each came from, for messages: "gcp.project",
	 * "CLOUDSDK_CORE_PROJECT", "gcloud configuration 'work'", ... */
	char	*project_from, *zone_from, *region_from;
};

/*
 * Fills place from the three option values (empty = unset) and the
 * environment and gcloud files.  Returns -1 with *cause only for a file
 * that exists but cannot be read or parsed (naming file and line).
 */
int gcloud_place(const char *opt_project, const char *opt_zone,
	    const char *opt_region, struct gcloud_place *, char **cause);
void gcloud_place_free(struct gcloud_place *);

/* The gcloud config directory (CLOUDSDK_CONFIG or ~/.config/gcloud);
 * caller frees. */
char *gcloud_config_dir(void);

/* Reads KEY in [SECTION] of an INI file into *value (NULL if absent).
 * -1 with *cause naming FILE:LINE when malformed. */
int gcloud_ini_get(const char *path, const char *section, const char *key,
	    char **value, char **cause);

#endif
