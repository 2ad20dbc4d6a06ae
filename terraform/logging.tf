# Request logs keep whole URLs, and the links in e-mails carry their token in the query string
# (?token=...). Cloud Run's request logs are therefore not stored, and the load balancer writes
# none (loadbalancer.tf). The functions' own log lines carry case references, never a token or
# an address; error rates and latency come from Cloud Run's built-in metrics, not these logs.
resource "google_logging_project_exclusion" "request_urls" {
  project     = var.project_id
  name        = "privacyloket-request-urls"
  description = "Request logs of the Privacyloket functions: their URLs hold link tokens."
  filter      = "LOG_ID(\"run.googleapis.com/requests\") OR resource.type=\"http_load_balancer\""

  depends_on = [google_project_service.enabled]
}
