# The (default) database the code opens, the composite indexes its queries need
# (firestoredb.Indexes) and the TTL policies that back up the Tick's retention
# (firestoredb.TTLFields). The emulator needs none of this; production does.

resource "google_firestore_database" "main" {
  project     = var.project_id
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode            = "PESSIMISTIC"
  app_engine_integration_mode = "DISABLED"

  # Seven days of point-in-time recovery: the way back from a bad release that damaged data.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  # Optional CMEK; the key's location must match location_id (README, "Optional: CMEK").
  dynamic "cmek_config" {
    for_each = var.firestore_kms_key == "" ? [] : [var.firestore_kms_key]

    content {
      kms_key_name = cmek_config.value
    }
  }

  depends_on = [google_project_service.enabled, google_kms_crypto_key_iam_member.firestore]
}

resource "google_kms_crypto_key_iam_member" "firestore" {
  count = var.firestore_kms_key == "" ? 0 : 1

  crypto_key_id = var.firestore_kms_key
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-${local.project_number}@gcp-sa-firestore.iam.gserviceaccount.com"
}

# A daily backup, kept var.backup_retention_days. An erased case stays in the backups taken
# before the erasure until they expire: at most backup_retention_days, plus the 7 days of
# point-in-time recovery (README, "Backups and erasure").
resource "google_firestore_backup_schedule" "daily" {
  project   = var.project_id
  database  = google_firestore_database.main.name
  retention = "${var.backup_retention_days * 86400}s"

  daily_recurrence {}
}

# letters where status == ? and createdAt < ? (the outbox relay).
resource "google_firestore_index" "letters_status_created_at" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "letters"
  query_scope = "COLLECTION"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }
}

# cases where status in (open statuses) order by dueDate (the desk's overview).
resource "google_firestore_index" "cases_status_due_date" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "cases"
  query_scope = "COLLECTION"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "dueDate"
    order      = "ASCENDING"
  }
}

# cases where status == awaiting_confirmation order by submittedAt (the desk's overview:
# unconfirmed requests have no due date yet).
resource "google_firestore_index" "cases_status_submitted_at" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "cases"
  query_scope = "COLLECTION"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "submittedAt"
    order      = "ASCENDING"
  }
}

# A case keeps its events and letters in its own document (firestoredb.UnindexedFields). No query
# reads inside them, so they are not indexed: a case write then updates a few index entries,
# not one per field of every event and letter.

resource "google_firestore_field" "cases_events" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "cases"
  field      = "events"

  index_config {}
}

resource "google_firestore_field" "cases_letters" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "cases"
  field      = "letters"

  index_config {}
}

resource "google_firestore_field" "cases_searches" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "cases"
  field      = "searches"

  index_config {}
}

# TTL policies. The field is never queried, so its single-field index is switched off
# (index_config {}): an indexed, monotonically rising timestamp only costs writes.

resource "google_firestore_field" "cases_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "cases"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "letters_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "letters"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "ratelimits_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "ratelimits"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "idcopies_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "idcopies"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "results_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "results"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "chunks_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "chunks"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

# The sealed extracts of search tasks (their chunks are "chunks" above); the app deletes them
# with the access package or when the case ends.
resource "google_firestore_field" "extracts_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "extracts"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

# Desk sessions end after 8 hours and a staff member's sign-out record after its links could
# have lived (firestoredb.TTLFields); the TTL removes what nobody deleted. A sign-out
# everywhere finds a staff member's sessions by deskSessions.staff (a single-field index, kept
# by default).

resource "google_firestore_field" "desk_sessions_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "deskSessions"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "staff_expire_at" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "staff"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}
