# Topics the code publishes to or is triggered by (app.Topics), and a dead-letter topic for each
# event trigger. Messages carry only ids (a letter id, or {} for a tick), never personal data.

resource "google_pubsub_topic" "mail" {
  project = var.project_id
  name    = "mail"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "ticks" {
  project = var.project_id
  name    = "ticks"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

locals {
  # The Eventarc trigger of each event function creates and owns its own push subscription, so
  # Terraform cannot declare the dead-letter policy on it. terraform_data.dead_letter sets it
  # with gcloud after every (re)creation of the trigger. A mail message that still fails after
  # max_delivery_attempts is parked, not lost; the letter also stays pending in Firestore.
  dead_letter = {
    mail = {
      trigger               = google_cloudfunctions2_function.send_mail.event_trigger[0].trigger
      max_delivery_attempts = var.mail_max_delivery_attempts
      retention             = "604800s"
    }
    # A tick that keeps failing is superseded by the next one a minute later.
    ticks = {
      trigger               = google_cloudfunctions2_function.tick.event_trigger[0].trigger
      max_delivery_attempts = 5
      retention             = "86400s"
    }
  }

  pubsub_service_agent = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = local.dead_letter

  project                    = var.project_id
  name                       = "${each.key}-dead-letter"
  message_retention_duration = "604800s"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

# Holds dead letters for an operator to inspect and replay (README, "Dead letters").
resource "google_pubsub_subscription" "dead_letter" {
  for_each = local.dead_letter

  project                    = var.project_id
  name                       = "${each.key}-dead-letter-hold"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub itself forwards dead letters: its service agent publishes to the dead-letter topic and
# acknowledges on the source subscription (that grant is made with the subscription, below).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.dead_letter

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[each.key].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.pubsub_service_agent}"
}

resource "terraform_data" "dead_letter" {
  for_each = local.dead_letter

  triggers_replace = [
    each.value.trigger,
    google_pubsub_topic.dead_letter[each.key].id,
    each.value.max_delivery_attempts,
    each.value.retention,
  ]

  provisioner "local-exec" {
    interpreter = ["bash", "-c"]
    command     = <<-EOT
      set -euo pipefail
      sub="$(gcloud eventarc triggers describe "$TRIGGER" --format='value(transport.pubsub.subscription)')"
      test -n "$sub"
      gcloud pubsub subscriptions update "$sub" \
        --dead-letter-topic="$DEAD_LETTER_TOPIC" \
        --max-delivery-attempts="$MAX_DELIVERY_ATTEMPTS" \
        --min-retry-delay=10s --max-retry-delay=600s \
        --message-retention-duration="$RETENTION"
      gcloud pubsub subscriptions add-iam-policy-binding "$sub" \
        --member="serviceAccount:$PUBSUB_SERVICE_AGENT" --role=roles/pubsub.subscriber >/dev/null
    EOT

    environment = {
      TRIGGER               = each.value.trigger
      DEAD_LETTER_TOPIC     = google_pubsub_topic.dead_letter[each.key].id
      MAX_DELIVERY_ATTEMPTS = tostring(each.value.max_delivery_attempts)
      RETENTION             = each.value.retention
      PUBSUB_SERVICE_AGENT  = local.pubsub_service_agent
    }
  }

  depends_on = [google_pubsub_topic_iam_member.dead_letter_publisher]
}
