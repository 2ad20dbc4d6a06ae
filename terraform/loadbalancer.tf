# One host name for every public function, so that PUBLIC_BASE_URL + "/<Name>" reaches the
# function called Name: a global external HTTPS load balancer with a Google-managed
# certificate, a TLS 1.2+ SSL policy, a Cloud Armor policy and one serverless NEG per public
# function, routed by path. Created only when var.domain is set; point the domain's A record
# at output lb_ip_address.

locals {
  lb = var.domain == "" ? 0 : 1

  # Name (the path, as in the links) => its deployed service. Exactly the public functions.
  public_functions    = { for name, f in local.functions : name => f.service if f.public }
  lb_public_functions = { for name, service in local.public_functions : name => service if var.domain != "" }

  # The functions that accept a submission or an upload (a search task's extract too):
  # rate-limited by Cloud Armor per client.
  armor_limited_paths = ["/RequestForm", "/UploadID", "/SearchTask"]

  # The desk's sign-in (and every other desk POST), per client per minute. Sign-ins are counted
  # in Firestore too (per client, per client and address, per address, an hour); this bounds
  # the load a flood can cause before it reaches the function. Staff behind one office address
  # post to the desk together: it sits well above what a team does by hand.
  armor_desk_path       = "/StaffDesk"
  armor_desk_post_limit = 60
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
  name                  = "privacyloket-${each.value}"
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = module.function[each.key].service_name
  }
}

resource "google_compute_backend_service" "fn" {
  for_each = local.lb_public_functions

  project               = var.project_id
  name                  = "privacyloket-${each.value}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  security_policy       = google_compute_security_policy.edge[0].id

  backend {
    group = google_compute_region_network_endpoint_group.fn[each.key].id
  }

  # Request logs would keep every URL, and the links' tokens are in the query string.
  log_config {
    enable = false
  }
}

# Cloud Armor: a per-client rate limit on submissions and uploads, before they reach a
# function (the functions' own limits stay: they count accepted requests per address).
resource "google_compute_security_policy" "edge" {
  count = local.lb

  project     = var.project_id
  name        = "privacyloket-edge"
  description = "Privacyloket: rate limits on the public form, the upload and the desk's sign-in."
  type        = "CLOUD_ARMOR"

  rule {
    action      = "throttle"
    priority    = 1000
    description = "POST to the form or the upload: at most armor_post_limit per client per minute."

    match {
      expr {
        expression = "request.method == 'POST' && (${join(" || ", [for p in local.armor_limited_paths : "request.path.startsWith('${p}')"])})"
      }
    }

    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"

      rate_limit_threshold {
        count        = var.armor_post_limit
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "throttle"
    priority    = 1100
    description = "POST to the desk (sign-in, sessions, actions): at most local.armor_desk_post_limit per client per minute."

    match {
      expr {
        expression = "request.method == 'POST' && request.path.startsWith('${local.armor_desk_path}')"
      }
    }

    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"

      rate_limit_threshold {
        count        = local.armor_desk_post_limit
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Everything else."

    match {
      versioned_expr = "SRC_IPS_V1"

      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

# TLS 1.2 or newer, modern ciphers only.
resource "google_compute_ssl_policy" "tls12" {
  count = local.lb

  project         = var.project_id
  name            = "privacyloket-tls12"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_url_map" "lb" {
  count = local.lb

  project = var.project_id
  name    = "privacyloket"

  # Only /<Name> reaches a function. Any other path or host (the bare domain, /requestform, the
  # IP address) is redirected to the form: were it served by a function, a POST there would
  # pass Cloud Armor's rate limit, which matches the functions' paths.
  default_url_redirect {
    host_redirect          = var.domain
    path_redirect          = "/RequestForm"
    https_redirect         = true
    redirect_response_code = "FOUND"
    strip_query            = true
  }

  host_rule {
    hosts        = [var.domain]
    path_matcher = "functions"
  }

  path_matcher {
    name = "functions"

    default_url_redirect {
      path_redirect          = "/RequestForm"
      redirect_response_code = "FOUND"
      strip_query            = true
    }

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
  ssl_policy       = google_compute_ssl_policy.tls12[0].id
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
