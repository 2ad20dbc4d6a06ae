# Privacyloket on Google Cloud: one Cloud Functions (2nd gen) function per entry in
# fnlist.All (functions.json, modules/function), Firestore, Pub/Sub, Cloud Scheduler, Secret
# Manager, monitoring and an HTTPS load balancer. One file per concern.

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app = "privacyloket"
  }
}

# The project number names Google's service agents. Looked up unless given (scripts/tfcheck
# plans offline with a made-up one).
data "google_project" "this" {
  count = var.project_number == null ? 1 : 0

  project_id = var.project_id
}

locals {
  project_number = var.project_number != null ? var.project_number : data.google_project.this[0].number

  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
    ],
    var.domain == "" ? [] : ["compute.googleapis.com"],
    var.billing_account == "" ? [] : ["billingbudgets.googleapis.com"],
  ))

  # What every function reads from its environment (docs/contract.md §2, shared/config). Optional
  # settings are left out when unset so that the code's defaults (and the profile's) apply.
  runtime_env = merge(
    {
      GOOGLE_CLOUD_PROJECT = var.project_id
      PUBLIC_BASE_URL      = var.public_base_url
      ORG_PROFILE          = var.org_profile
      SENDGRID_API_HOST    = var.sendgrid_api_host
      # The external Application Load Balancer appends "<client>,<lb>"; a function reached at
      # its own run.app URL gets one entry from Google's front end (README, Configuration).
      # var.trusted_proxy_hops counts other proxies (a CDN, Firebase Hosting) too.
      TRUSTED_PROXY_HOPS = var.trusted_proxy_hops != null ? tostring(var.trusted_proxy_hops) : (var.domain == "" ? "1" : "2")
      # Set by the platform anyway; declaring it avoids a permanent diff on every plan.
      LOG_EXECUTION_ID = "true"
      # Go's collector: the first collection waits for an 8 MB heap instead of 4 MB, so a cold
      # instance answers before it (1.5–2 ms and 0.5 MiB less at the first answer,
      # docs/performance.md); the module sets GOMEMLIMIT from each function's memory.
      GOGC = "200"
    },
    length(var.staff_emails) == 0 ? {} : { STAFF_EMAILS = join(",", var.staff_emails) },
    var.rate_limit_per_ip == null ? {} : { RATE_LIMIT_PER_IP = tostring(var.rate_limit_per_ip) },
    var.rate_limit_per_email == null ? {} : { RATE_LIMIT_PER_EMAIL = tostring(var.rate_limit_per_email) },
  )

  # Behind the load balancer the public functions refuse direct *.run.app traffic, so that the
  # client address the rate limits use always comes from the load balancer.
  public_ingress = var.domain == "" ? "ALLOW_ALL" : "ALLOW_INTERNAL_AND_GCLB"

  # Topic functions are only reached by their push subscription (Pub/Sub counts as internal).
  event_ingress = "ALLOW_INTERNAL_ONLY"

  # Name (as in fnlist.All) => how it is deployed. functions.json is written from shared/fnlist
  # (go test ./terraform -run TestFunctionsData -update), and that test keeps the two equal.
  # source is the function's own package, which registers it and nothing else: the buildpack
  # builds it as GOOGLE_FUNCTION_SOURCE, so a function links only what it uses.
  functions = {
    for name, f in jsondecode(file("${path.module}/functions.json")) : name => {
      source          = f.source
      service         = f.service
      note            = f.note
      public          = f.public
      topic           = f.topic
      secrets         = tolist(f.secrets)
      publishes       = tolist(f.publishes)
      firestore_role  = f.firestore_role
      memory          = f.memory
      concurrency     = f.concurrency
      timeout_seconds = f.timeout_seconds
      max_instances   = f.max_instances == null ? var.max_instances : f.max_instances
    }
  }

  # Deliveries before a message is dead-lettered: many for a letter (hours of backoff), few for
  # a tick, which the next one a minute later supersedes anyway.
  max_delivery_attempts = {
    mail  = var.mail_max_delivery_attempts
    ticks = 5
  }

  # During a link-key rotation the previous key still opens the links it made (README,
  # "Rotating keys").
  link_key_rotation = var.link_signing_key_previous_version != null

  pubsub_service_agent = "service-${local.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project            = var.project_id
  service            = each.key
  disable_on_destroy = false
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  project_id = var.project_id
  region     = var.region
  name       = each.key
  note       = each.value.note

  service_name          = each.value.service
  runtime               = var.go_runtime
  build_environment     = { GOOGLE_FUNCTION_SOURCE = each.value.source }
  build_service_account = google_service_account.build.id
  docker_repository     = google_artifact_registry_repository.functions.id
  source_bucket         = google_storage_bucket_object.source.bucket
  source_object         = google_storage_bucket_object.source.name

  environment = local.runtime_env
  secrets = merge(
    { for s in each.value.secrets : s => google_secret_manager_secret.keys[s].secret_id },
    local.link_key_rotation && contains(each.value.secrets, "LINK_SIGNING_KEY") ? { LINK_SIGNING_KEY_PREVIOUS = google_secret_manager_secret.link_key_previous.secret_id } : {},
  )
  secret_versions = merge(
    { for s in each.value.secrets : s => var.secret_versions[s] },
    local.link_key_rotation && contains(each.value.secrets, "LINK_SIGNING_KEY") ? { LINK_SIGNING_KEY_PREVIOUS = var.link_signing_key_previous_version } : {},
  )
  firestore_role = each.value.firestore_role
  publishes      = each.value.publishes
  topic_ids      = { for name, t in google_pubsub_topic.app : name => t.id }

  public          = each.value.public
  ingress         = each.value.public ? local.public_ingress : local.event_ingress
  memory          = each.value.memory
  concurrency     = each.value.concurrency
  timeout_seconds = each.value.timeout_seconds
  max_instances   = each.value.max_instances

  topic                 = each.value.topic
  max_delivery_attempts = each.value.topic == null ? 5 : local.max_delivery_attempts[each.value.topic]
  pubsub_service_agent  = local.pubsub_service_agent

  # The APIs must be on, and the build account must hold its roles before the first build.
  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.build,
    google_storage_bucket_iam_member.build_source,
    google_artifact_registry_repository_iam_member.build,
  ]
}
