# RequestForm: the public request form. It stores a new case with its first letters and queues
# them on the mail topic; an ID copy sent with the form is sealed with ID_ENCRYPTION_KEY.
# 1Gi leaves room for a 10 MiB ID copy while it is sniffed, decoded (up to 40 MP), re-encoded and sealed.

resource "google_service_account" "request_form" {
  project      = var.project_id
  account_id   = "fn-request-form"
  display_name = "Privacyloket RequestForm"
  description  = "Runs the RequestForm function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "request_form" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.request_form.email}"
}

# It queues letters: publisher on the mail topic, not on the project.
resource "google_pubsub_topic_iam_member" "request_form_mail" {
  project = var.project_id
  topic   = google_pubsub_topic.mail.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.request_form.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "request_form" {
  for_each = toset(["LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.request_form.email}"
}

resource "google_cloudfunctions2_function" "request_form" {
  project     = var.project_id
  location    = var.region
  name        = "request-form"
  description = "Privacyloket RequestForm"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "RequestForm"
    environment_variables = local.build_env
    service_account       = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket_object.source.bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    service_account_email = google_service_account.request_form.email
    ingress_settings      = local.public_ingress
    environment_variables = local.runtime_env

    available_memory                 = "1Gi"
    available_cpu                    = "1"
    max_instance_request_concurrency = 20
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    all_traffic_on_latest_revision   = true

    secret_environment_variables {
      key        = "LINK_SIGNING_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["LINK_SIGNING_KEY"].secret_id
      version    = "latest"
    }

    secret_environment_variables {
      key        = "ID_ENCRYPTION_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["ID_ENCRYPTION_KEY"].secret_id
      version    = "latest"
    }
  }

  # The account must hold its roles and secrets before the first instance starts.
  depends_on = [
    google_project_iam_member.request_form,
    google_secret_manager_secret_iam_member.request_form,
    google_pubsub_topic_iam_member.request_form_mail,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "request_form_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.request_form.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
