# The heartbeat: {} on the ticks topic (docs/contract.md §4). Tick runs reminders, escalations,
# expiries, retention and the outbox relay; two ticks with the same now send nothing twice.

resource "google_cloud_scheduler_job" "tick" {
  project     = var.project_id
  region      = coalesce(var.scheduler_region, var.region)
  name        = "privacyloket-tick"
  description = "Publishes {} to the ticks topic; the Tick function does the due work."
  schedule    = var.tick_schedule
  time_zone   = var.tick_time_zone

  # A missed tick is made up by the next one.
  retry_config {
    retry_count = 0
  }

  pubsub_target {
    topic_name = google_pubsub_topic.app["ticks"].id
    data       = base64encode("{}")
  }

  depends_on = [google_project_service.enabled]
}
