# The topics the code publishes to or is triggered by (app.Topics). Messages carry only ids (a
# letter id, or {} for a tick), never personal data, and are stored only in var.region. Each
# topic function's push subscription and dead letters are declared with it (modules/function).

locals {
  topics = ["mail", "ticks"]
}

resource "google_pubsub_topic" "app" {
  for_each = toset(local.topics)

  project = var.project_id
  name    = each.key

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}
