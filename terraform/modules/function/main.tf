# One Privacyloket function (Cloud Functions 2nd gen): its own service account with exactly its
# Firestore role, topics and secrets; who may invoke it; and, for a function triggered by a
# topic, a native push subscription with an OIDC token, retries with backoff and a dead-letter
# topic whose messages wait in a held subscription for an operator (README, "Replaying dead letters").

locals {
  event = var.topic != null

  # Go's soft memory limit at 80 % of the instance's memory: near it the collector works harder
  # instead of the instance being killed. With it, GOGC=200 (local.runtime_env) is safe: the heap
  # may grow to three times what is live between collections, so an instance's first answer
  # comes before its first collection (docs/performance.md).
  memory_mib = endswith(var.memory, "Gi") ? tonumber(trimsuffix(var.memory, "Gi")) * 1024 : tonumber(trimsuffix(var.memory, "Mi"))
  go_env     = { GOMEMLIMIT = "${floor(local.memory_mib * 0.8)}MiB" }
}

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "fn-${var.service_name}"
  display_name = "Privacyloket ${var.name}"
  description  = "Runs the ${var.name} function and nothing else."
}

# Firestore has no role narrower than the project: read-only where the function only reads.
resource "google_project_iam_member" "firestore" {
  project = var.project_id
  role    = var.firestore_role
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# Publisher on the topics it queues messages on, not on the project.
resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = toset(var.publishes)

  project = var.project_id
  topic   = var.topic_ids[each.key]
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# Exactly the secrets it mounts (its entry in shared/fnlist).
resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = var.secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.service_name
  description = var.note == "" ? "Privacyloket ${var.name}" : "Privacyloket ${var.name}: ${var.note}"

  build_config {
    runtime               = var.runtime
    entry_point           = var.name
    environment_variables = var.build_environment
    service_account       = var.build_service_account
    docker_repository     = var.docker_repository

    source {
      storage_source {
        bucket = var.source_bucket
        object = var.source_object
      }
    }
  }

  service_config {
    service_account_email = google_service_account.runtime.email
    ingress_settings      = var.ingress
    environment_variables = merge(var.environment, local.go_env)

    available_memory                 = var.memory
    available_cpu                    = "1"
    max_instance_request_concurrency = var.concurrency
    timeout_seconds                  = var.timeout_seconds
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    all_traffic_on_latest_revision   = true

    dynamic "secret_environment_variables" {
      for_each = var.secrets

      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = var.secret_versions[secret_environment_variables.key]
      }
    }
  }

  # The account must hold its roles and secrets before the first instance starts.
  depends_on = [
    google_project_iam_member.firestore,
    google_pubsub_topic_iam_member.publisher,
    google_secret_manager_secret_iam_member.accessor,
  ]
}

# Public: anyone may call it. A gen2 function runs as the Cloud Run service of the same name;
# invoking is a Cloud Run right.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# --- Topic functions: the push subscription and its dead letters. ---

# The identity Pub/Sub pushes with: it may invoke this function and nothing else.
resource "google_service_account" "push" {
  count = local.event ? 1 : 0

  project      = var.project_id
  account_id   = "push-${var.service_name}"
  display_name = "Privacyloket ${var.name} push"
  description  = "Pushes ${var.topic} messages to the ${var.name} function."
}

resource "google_cloud_run_v2_service_iam_member" "push" {
  count = local.event ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push[0].email}"
}

# Pub/Sub's service agent signs the OIDC token as the push account.
resource "google_service_account_iam_member" "push_token" {
  count = local.event ? 1 : 0

  service_account_id = google_service_account.push[0].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${var.pubsub_service_agent}"
}

resource "google_pubsub_topic" "dead_letter" {
  count = local.event ? 1 : 0

  project                    = var.project_id
  name                       = "${var.topic}-dead-letter"
  message_retention_duration = var.dead_letter_retention

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}

# Dead letters wait here for an operator; acknowledged ones stay seekable for the retention.
resource "google_pubsub_subscription" "dead_letter_hold" {
  count = local.event ? 1 : 0

  project                    = var.project_id
  name                       = "${var.topic}-dead-letter-hold"
  topic                      = google_pubsub_topic.dead_letter[0].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.dead_letter_retention
  retain_acked_messages      = true

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "push" {
  count = local.event ? 1 : 0

  project                    = var.project_id
  name                       = "${var.service_name}-push"
  topic                      = var.topic_ids[var.topic]
  ack_deadline_seconds       = min(600, var.timeout_seconds)
  message_retention_duration = var.dead_letter_retention

  expiration_policy {
    ttl = ""
  }

  # A failed delivery (any answer but 2xx) comes back with backoff.
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[0].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  # The wrapped push body ({"message": ..., "subscription": ...}); the Functions Framework turns
  # it into the CloudEvent google.cloud.pubsub.topic.v1.messagePublished the code expects, and
  # names the topic from the path (packaging_test.go posts the same).
  push_config {
    push_endpoint = "${google_cloudfunctions2_function.this.service_config[0].uri}/projects/${var.project_id}/topics/${var.topic}"

    oidc_token {
      service_account_email = google_service_account.push[0].email
      audience              = google_cloudfunctions2_function.this.service_config[0].uri
    }
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.push,
    google_service_account_iam_member.push_token,
  ]
}

# Pub/Sub itself moves a dead letter: its service agent publishes to the dead-letter topic and
# acknowledges on the push subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  count = local.event ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[0].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  count = local.event ? 1 : 0

  project      = var.project_id
  subscription = google_pubsub_subscription.push[0].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${var.pubsub_service_agent}"
}
