# Copy to terraform.tfvars (ignored by git) and fill in. Only project_id and public_base_url
# are required; everything else shows its default or an example.

project_id      = "privacyloket-vallei"
public_base_url = "https://privacy.valleiwonen.nl"
domain          = "privacy.valleiwonen.nl"
org_profile     = "vallei-wonen"

# Where alerts go (README, "First deployment", step 5).
# notification_channels = ["projects/privacyloket-vallei/notificationChannels/1234567890"]

# region             = "europe-west4"
# firestore_location = "eur3"
# staff_emails       = ["privacy@valleiwonen.nl"]
# sendgrid_api_host  = "https://api.eu.sendgrid.com"
# rate_limit_per_ip    = 5
# rate_limit_per_email = 3
# trusted_proxy_hops = 2 # no domain, a CDN in front: count every proxy that appends to X-Forwarded-For
# tick_schedule      = "* * * * *"

# Pinned secret versions (README, "Rotating keys").
# secret_versions = {
#   LINK_SIGNING_KEY  = "1"
#   ID_ENCRYPTION_KEY = "1"
#   SENDGRID_API_KEY  = "1"
#   PSEUDONYM_KEY     = "1"
# }
# link_signing_key_previous_version = null

# backup_retention_days = 7
# billing_account       = "012345-6789AB-CDEF01"
# monthly_budget_eur    = 100
# armor_post_limit      = 10
