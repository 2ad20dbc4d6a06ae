output "function_urls" {
  description = "Name => the function's own run.app URL. Behind the load balancer the public ones refuse direct calls; use public_urls."
  value = {
    RequestForm        = google_cloudfunctions2_function.request_form.service_config[0].uri
    ConfirmRequest     = google_cloudfunctions2_function.confirm_request.service_config[0].uri
    UploadID           = google_cloudfunctions2_function.upload_id.service_config[0].uri
    RequestStatus      = google_cloudfunctions2_function.request_status.service_config[0].uri
    StaffCase          = google_cloudfunctions2_function.staff_case.service_config[0].uri
    ThirdPartyResponse = google_cloudfunctions2_function.third_party_response.service_config[0].uri
    DownloadResult     = google_cloudfunctions2_function.download_result.service_config[0].uri
    SendMail           = google_cloudfunctions2_function.send_mail.service_config[0].uri
    Tick               = google_cloudfunctions2_function.tick.service_config[0].uri
  }
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
  value       = [google_pubsub_topic.mail.name, google_pubsub_topic.ticks.name]
}

output "dead_letter_subscriptions" {
  description = "Where messages that kept failing wait for an operator (README, \"Dead letters\")."
  value       = { for topic, s in google_pubsub_subscription.dead_letter : topic => s.name }
}

output "secrets" {
  description = "Environment variable => Secret Manager secret id; add a version to each before the functions deploy."
  value       = { for env, s in google_secret_manager_secret.keys : env => s.secret_id }
}

output "source_object" {
  description = "The uploaded source archive every function was built from."
  value       = "gs://${google_storage_bucket_object.source.bucket}/${google_storage_bucket_object.source.name}"
}
