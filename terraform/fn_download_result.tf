# DownloadResult: the requester downloads the sealed access result through a signed,
# expiring link; it is opened with ID_ENCRYPTION_KEY. Each download is recorded on the case;
# it queues no letter, so it may not publish. 512Mi leaves room for the package in memory.

resource "google_service_account" "download_result" {
  project      = var.project_id
  account_id   = "fn-download-result"
  display_name = "Privacyloket DownloadResult"
  description  = "Runs the DownloadResult function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "download_result" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.download_result.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "download_result" {
  for_each = toset(["LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.download_result.email}"
}

resource "google_cloudfunctions2_function" "download_result" {
  project     = var.project_id
  location    = var.region
  name        = "download-result"
  description = "Privacyloket DownloadResult"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "DownloadResult"
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
    service_account_email = google_service_account.download_result.email
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
    google_project_iam_member.download_result,
    google_secret_manager_secret_iam_member.download_result,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "download_result_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.download_result.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
