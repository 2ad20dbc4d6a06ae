# One host name for every public function, so that PUBLIC_BASE_URL + "/<Name>" reaches the
# function called Name: a global external HTTPS load balancer with a Google-managed
# certificate and one serverless NEG per public function, routed by path. Created only when
# var.domain is set; point the domain's A record at output lb_ip_address.

locals {
  lb = var.domain == "" ? 0 : 1

  # Name (the path, as in the links) => its function. Exactly the Public definitions.
  public_functions = {
    RequestForm        = google_cloudfunctions2_function.request_form
    ConfirmRequest     = google_cloudfunctions2_function.confirm_request
    UploadID           = google_cloudfunctions2_function.upload_id
    RequestStatus      = google_cloudfunctions2_function.request_status
    StaffCase          = google_cloudfunctions2_function.staff_case
    ThirdPartyResponse = google_cloudfunctions2_function.third_party_response
    DownloadResult     = google_cloudfunctions2_function.download_result
  }

  lb_public_functions = { for name, fn in local.public_functions : name => fn if var.domain != "" }
}

check "public_base_url_matches_domain" {
  assert {
    condition     = var.domain == "" || var.public_base_url == "https://${var.domain}"
    error_message = "With a load balancer, public_base_url should be https://${var.domain}: the links in e-mails must reach it."
  }
}

resource "google_compute_global_address" "lb" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket"

  depends_on = [google_project_service.enabled]
}

resource "google_compute_managed_ssl_certificate" "lb" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket"

  managed {
    domains = [var.domain]
  }

  depends_on = [google_project_service.enabled]
}

# A gen2 function is a Cloud Run service of the same name: the NEG points at that service.
resource "google_compute_region_network_endpoint_group" "fn" {
  for_each = local.lb_public_functions

  project               = var.project_id
  region                = var.region
  name                  = "privacyloket-${each.value.name}"
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = each.value.name
  }
}

resource "google_compute_backend_service" "fn" {
  for_each = local.lb_public_functions

  project               = var.project_id
  name                  = "privacyloket-${each.value.name}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  backend {
    group = google_compute_region_network_endpoint_group.fn[each.key].id
  }
}

resource "google_compute_url_map" "lb" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket"

  # The bare domain shows the request form.
  default_service = google_compute_backend_service.fn["RequestForm"].id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "functions"
  }

  path_matcher {
    name            = "functions"
    default_service = google_compute_backend_service.fn["RequestForm"].id

    dynamic "path_rule" {
      for_each = local.lb_public_functions

      content {
        paths   = ["/${path_rule.key}", "/${path_rule.key}/*"]
        service = google_compute_backend_service.fn[path_rule.key].id
      }
    }
  }
}

resource "google_compute_target_https_proxy" "lb" {
  count = local.lb

  project          = var.project_id
  name             = "privacyloket"
  url_map          = google_compute_url_map.lb[0].id
  ssl_certificates = [google_compute_managed_ssl_certificate.lb[0].id]
}

resource "google_compute_global_forwarding_rule" "https" {
  count = local.lb

  project               = var.project_id
  name                  = "privacyloket-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.lb[0].id
  port_range            = "443"
  target                = google_compute_target_https_proxy.lb[0].id
}

# Plain HTTP only redirects to HTTPS.
resource "google_compute_url_map" "redirect" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket-redirect"
  url_map = google_compute_url_map.redirect[0].id
}

resource "google_compute_global_forwarding_rule" "http" {
  count = local.lb

  project               = var.project_id
  name                  = "privacyloket-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.lb[0].id
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect[0].id
}
