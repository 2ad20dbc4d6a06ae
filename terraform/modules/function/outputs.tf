output "uri" {
  description = "The function's own run.app URL."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "service_name" {
  description = "Name of the function and of its Cloud Run service."
  value       = google_cloudfunctions2_function.this.name
}

output "service_account" {
  description = "Email of the identity the function runs as."
  value       = google_service_account.runtime.email
}

output "dead_letter_subscription" {
  description = "Subscription that holds this function's dead letters; null for an HTTP function."
  value       = local.event ? google_pubsub_subscription.dead_letter_hold[0].name : null
}

output "push_subscription" {
  description = "The push subscription that triggers the function; null for an HTTP function."
  value       = local.event ? google_pubsub_subscription.push[0].name : null
}
