# StaffCase: one staff member's page for one case behind a personal, expiring link. Staff
# actions change the case and queue letters; the ID copy is opened with ID_ENCRYPTION_KEY.
# 512Mi leaves room for an access result file or an ID copy in memory.

resource "google_service_account" "staff_case" {
  project      = var.project_id
  account_id   = "fn-staff-case"
  display_name = "Privacyloket StaffCase"
  description  = "Runs the StaffCase function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "staff_case" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.staff_case.email}"
}

# It queues letters: publisher on the mail topic, not on the project.
resource "google_pubsub_topic_iam_member" "staff_case_mail" {
  project = var.project_id
  topic   = google_pubsub_topic.mail.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.staff_case.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "staff_case" {
  for_each = toset(["LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.staff_case.email}"
}

resource "google_cloudfunctions2_function" "staff_case" {
  project     = var.project_id
  location    = var.region
  name        = "staff-case"
  description = "Privacyloket StaffCase"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "StaffCase"
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
    service_account_email = google_service_account.staff_case.email
    ingress_settings      = local.public_ingress
    environment_variables = local.runtime_env

    available_memory                 = "512Mi"
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
    google_project_iam_member.staff_case,
    google_secret_manager_secret_iam_member.staff_case,
    google_pubsub_topic_iam_member.staff_case_mail,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "staff_case_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.staff_case.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
