# The uploaded source: an allow-list of what the build needs (go.mod, go.sum, and the
# packages under functions/ and shared/ without tests and test data), never whatever else is in
# the working tree. Every function builds from this one archive: the buildpack builds the
# function's own package, named by GOOGLE_FUNCTION_SOURCE (functions.json's source), with a
# generated main; packaging_test.go builds the same files the same way. Embedded files must be
# text (file()).

locals {
  source_root      = "${path.module}/.."
  source_top_files = ["go.mod", "go.sum"]
  source_dirs      = ["functions", "shared"]

  source_files = sort(concat(local.source_top_files, flatten([
    for dir in local.source_dirs : [
      for f in fileset("${local.source_root}/${dir}", "**") : "${dir}/${f}"
      if !endswith(f, "_test.go") && !strcontains("/${f}", "/testdata/")
    ]
  ])))
}

data "archive_file" "source" {
  type             = "zip"
  output_path      = "${path.module}/.build/source.zip"
  output_file_mode = "0644"

  dynamic "source" {
    for_each = local.source_files

    content {
      filename = source.value
      content  = file("${local.source_root}/${source.value}")
    }
  }
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-privacyloket-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # Old archives go; the current one is uploaded again by the next apply if it was removed.
  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.enabled]
}

# Named by content, so a changed source is a new object and every function rebuilds from it;
# an unchanged source leaves the functions alone.
resource "google_storage_bucket_object" "source" {
  bucket = google_storage_bucket.source.name
  name   = "source/${data.archive_file.source.output_md5}.zip"
  source = data.archive_file.source.output_path
}

# Cloud Build runs the buildpack as this account rather than the default compute account,
# which new projects no longer give any roles.
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "privacyloket-build"
  display_name = "Privacyloket function builds"
}

# The build account reads the one source bucket and writes the one image repository; only its
# build logs need a project-wide role.
resource "google_project_iam_member" "build" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

# The functions' images live in this repository rather than the project-wide gcf-artifacts one,
# so the build account can be given write access to exactly it.
resource "google_artifact_registry_repository" "functions" {
  project       = var.project_id
  location      = var.region
  repository_id = "privacyloket-functions"
  description   = "Images of the Privacyloket functions, built by Cloud Build from the uploaded source."
  format        = "DOCKER"

  # A function runs the image of its last build; older images are only kept for a rollback.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_artifact_registry_repository_iam_member" "build" {
  project    = var.project_id
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
}
