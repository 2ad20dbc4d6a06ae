# The uploaded source: the Go module at the repository root (go.mod, go.sum, functions/,
# shared/) without what the build does not need. The buildpack builds the package named by
# GOOGLE_FUNCTION_SOURCE (local.build_env) with a generated main; packaging_test.go builds the
# same files the same way. Every function builds from this one archive.

locals {
  # Exact top-level names: the archive provider matches excludes against relative paths.
  # .dev holds scripts/dev's local state, dev keys included; it must never be uploaded.
  source_excludes = [".ci", ".dev", ".git", "docs", "scripts", "terraform"]
}

data "archive_file" "source" {
  type             = "zip"
  source_dir       = "${path.module}/.."
  excludes         = local.source_excludes
  output_path      = "${path.module}/.build/source.zip"
  output_file_mode = "0644"
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-privacyloket-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

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

resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/artifactregistry.writer",
    "roles/logging.logWriter",
    "roles/storage.objectViewer",
  ])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.build.email}"
}
