# Privacyloket on Google Cloud: one Cloud Functions (2nd gen) function per entry in
# functions.Definitions, Firestore, Pub/Sub, Cloud Scheduler and Secret Manager. One file per
# concern; one file per function (fn_*.tf), each with its own service account.

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app = "privacyloket"
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ], var.domain == "" ? [] : ["compute.googleapis.com"]))

  # The buildpack builds the package in this directory of the uploaded module (the module root
  # holds only go.mod); FUNCTION_TARGET = entry_point then picks one registered function.
  build_env = {
    GOOGLE_FUNCTION_SOURCE = "functions"
  }

  # What every function reads from its environment (CONTRACT.md §2, shared/config). Optional
  # settings are left out when unset so that the code's defaults (and the profile's) apply.
  runtime_env = merge(
    {
      GOOGLE_CLOUD_PROJECT = var.project_id
      PUBLIC_BASE_URL      = var.public_base_url
      ORG_PROFILE          = var.org_profile
      SENDGRID_API_HOST    = var.sendgrid_api_host
      # Set by the platform anyway; declaring it avoids a permanent diff on every plan.
      LOG_EXECUTION_ID = "true"
    },
    length(var.staff_emails) == 0 ? {} : { STAFF_EMAILS = join(",", var.staff_emails) },
    var.rate_limit_per_ip == null ? {} : { RATE_LIMIT_PER_IP = tostring(var.rate_limit_per_ip) },
    var.rate_limit_per_email == null ? {} : { RATE_LIMIT_PER_EMAIL = tostring(var.rate_limit_per_email) },
  )

  # Behind the load balancer the public functions refuse direct *.run.app traffic, so that the
  # client address the rate limits use always comes from the load balancer.
  public_ingress = var.domain == "" ? "ALLOW_ALL" : "ALLOW_INTERNAL_AND_GCLB"

  # Event functions are only reached by their Eventarc trigger.
  event_ingress = "ALLOW_INTERNAL_ONLY"
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project            = var.project_id
  service            = each.key
  disable_on_destroy = false
}
