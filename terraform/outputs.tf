output "function_urls" {
  description = "Name => the function's own run.app URL. Behind the load balancer the public ones refuse direct calls; use public_urls."
  value       = { for name, fn in module.function : name => fn.uri }
}

output "public_urls" {
  description = "Name => the address the links in e-mails use (PUBLIC_BASE_URL/<Name>)."
  value       = { for name in keys(local.public_functions) : name => "${var.public_base_url}/${name}" }
}

output "lb_ip_address" {
  description = "Point the A record of var.domain here; null without a load balancer."
  value       = var.domain == "" ? null : google_compute_global_address.lb[0].address
}

output "topics" {
  description = "Pub/Sub topics the code uses."
  value       = [for t in google_pubsub_topic.app : t.name]
}

output "dead_letter_subscriptions" {
  description = "Where messages that kept failing wait for an operator (README, \"Replaying dead letters\")."
  value       = { for name, fn in module.function : name => fn.dead_letter_subscription if fn.dead_letter_subscription != null }
}

output "secrets" {
  description = "Environment variable => Secret Manager secret id; add a version to each before the functions deploy."
  value       = merge({ for env, s in google_secret_manager_secret.keys : env => s.secret_id }, { LINK_SIGNING_KEY_PREVIOUS = google_secret_manager_secret.link_key_previous.secret_id })
}

output "source_object" {
  description = "The uploaded source archive every function was built from."
  value       = "gs://${google_storage_bucket_object.source.bucket}/${google_storage_bucket_object.source.name}"
}
