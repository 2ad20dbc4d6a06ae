# Copy to terraform.tfvars (ignored by git) and fill in. Only project_id and public_base_url
# are required; everything else shows its default or an example.

project_id      = "privacyloket-vallei"
public_base_url = "https://privacy.valleiwonen.nl"
domain          = "privacy.valleiwonen.nl"
org_profile     = "vallei-wonen"

# region             = "europe-west4"
# firestore_location = "eur3"
# staff_emails       = ["privacy@valleiwonen.nl"]
# sendgrid_api_host  = "https://api.eu.sendgrid.com"
# rate_limit_per_ip    = 5
# rate_limit_per_email = 3
# tick_schedule      = "* * * * *"
