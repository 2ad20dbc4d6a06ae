# UploadID: the requester uploads a masked ID copy through a signed link; the copy is sealed
# with ID_ENCRYPTION_KEY. It queues no letters, so it may not publish. 1Gi leaves room
# for a 10 MiB ID copy while it is sniffed, sanitised and sealed.

resource "google_service_account" "upload_id" {
  project      = var.project_id
  account_id   = "fn-upload-id"
  display_name = "Privacyloket UploadID"
  description  = "Runs the UploadID function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "upload_id" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.upload_id.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "upload_id" {
  for_each = toset(["LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.upload_id.email}"
}

resource "google_cloudfunctions2_function" "upload_id" {
  project     = var.project_id
  location    = var.region
  name        = "upload-id"
  description = "Privacyloket UploadID"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "UploadID"
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
    service_account_email = google_service_account.upload_id.email
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
    google_project_iam_member.upload_id,
    google_secret_manager_secret_iam_member.upload_id,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "upload_id_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.upload_id.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
