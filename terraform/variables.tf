variable "project_id" {
  description = "Google Cloud project that runs Privacyloket for one housing corporation."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region for the functions, the Eventarc triggers, the source bucket and the secrets' replicas. europe-west4 is in the Netherlands."
  type        = string
  default     = "europe-west4"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west4."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: a multi-region (eur3) or a region. It cannot be changed after the first apply."
  type        = string
  default     = "eur3"

  validation {
    condition     = can(regex("^(eur3|nam5|nam7|[a-z]+-[a-z]+[0-9]+)$", var.firestore_location))
    error_message = "firestore_location must be eur3, nam5, nam7 or a region such as europe-west4."
  }
}

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler job that publishes the ticks; null means var.region."
  type        = string
  default     = null

  validation {
    condition     = var.scheduler_region == null || can(regex("^[a-z]+-[a-z]+[0-9]+$", var.scheduler_region))
    error_message = "scheduler_region must be null or a Google Cloud region such as europe-west1."
  }
}

variable "org_profile" {
  description = "Policy profile of the corporation (ORG_PROFILE): one of the profiles embedded in shared/policy/profiles."
  type        = string
  default     = "vallei-wonen"

  validation {
    condition     = contains(["de-alliantie", "vallei-wonen"], var.org_profile)
    error_message = "org_profile must be an embedded profile: de-alliantie or vallei-wonen."
  }
}

variable "public_base_url" {
  description = "Base of every link in an e-mail (PUBLIC_BASE_URL), e.g. https://privacy.example.nl. Each function must answer at <base>/<Name>: see var.domain."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*$", var.public_base_url))
    error_message = "public_base_url must be an https URL without a trailing slash, query or fragment."
  }
}

variable "domain" {
  description = "Host name for the HTTPS load balancer that routes /<Name> to each public function, e.g. privacy.example.nl. Empty: no load balancer (route the paths some other way)."
  type        = string
  default     = ""

  validation {
    condition     = var.domain == "" || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be empty or a lowercase host name such as privacy.example.nl."
  }
}

variable "staff_emails" {
  description = "Staff addresses that receive case links (STAFF_EMAILS). Empty: the profile's staff addresses."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.staff_emails : can(regex("^[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+$", e))])
    error_message = "staff_emails must be plain e-mail addresses (no names, no commas)."
  }
}

variable "sendgrid_api_host" {
  description = "Base URL of the SendGrid v3 API (SENDGRID_API_HOST); https://api.eu.sendgrid.com for an EU-pinned SendGrid account."
  type        = string
  default     = "https://api.sendgrid.com"

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+$", var.sendgrid_api_host))
    error_message = "sendgrid_api_host must be an https URL without a path."
  }
}

variable "rate_limit_per_ip" {
  description = "Accepted submissions per client IP per hour (RATE_LIMIT_PER_IP); 0 switches the limit off; null means the profile's value."
  type        = number
  default     = null

  validation {
    condition     = var.rate_limit_per_ip == null ? true : var.rate_limit_per_ip >= 0 && floor(var.rate_limit_per_ip) == var.rate_limit_per_ip
    error_message = "rate_limit_per_ip must be null, 0 or a positive whole number."
  }
}

variable "rate_limit_per_email" {
  description = "Accepted submissions per e-mail address per day (RATE_LIMIT_PER_EMAIL); 0 switches the limit off; null means the profile's value."
  type        = number
  default     = null

  validation {
    condition     = var.rate_limit_per_email == null ? true : var.rate_limit_per_email >= 0 && floor(var.rate_limit_per_email) == var.rate_limit_per_email
    error_message = "rate_limit_per_email must be null, 0 or a positive whole number."
  }
}

variable "tick_schedule" {
  description = "Cron schedule (5 fields) on which Cloud Scheduler publishes {} to the ticks topic: reminders, escalations, expiries, retention and the outbox relay."
  type        = string
  default     = "* * * * *"

  validation {
    condition     = length(split(" ", trimspace(var.tick_schedule))) == 5
    error_message = "tick_schedule must be a cron expression with 5 fields, e.g. \"* * * * *\"."
  }
}

variable "tick_time_zone" {
  description = "Time zone in which tick_schedule is read."
  type        = string
  default     = "Europe/Amsterdam"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z_+-]+)*$", var.tick_time_zone))
    error_message = "tick_time_zone must be a tz database name such as Europe/Amsterdam."
  }
}

variable "go_runtime" {
  description = "Cloud Functions Go runtime; at least the go version in go.mod (go126 for go 1.26)."
  type        = string
  default     = "go126"

  validation {
    condition     = can(regex("^go1[0-9]{2}$", var.go_runtime))
    error_message = "go_runtime must look like go126."
  }
}

variable "max_instances" {
  description = "Upper bound on instances per public function: a cost and abuse ceiling."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 100 && floor(var.max_instances) == var.max_instances
    error_message = "max_instances must be a whole number from 1 to 100."
  }
}

variable "mail_max_delivery_attempts" {
  description = "Deliveries of one mail message (with backoff of 10 s up to 10 min) before it moves to the mail dead-letter topic."
  type        = number
  default     = 50

  validation {
    condition     = var.mail_max_delivery_attempts >= 5 && var.mail_max_delivery_attempts <= 100
    error_message = "mail_max_delivery_attempts must be from 5 to 100 (Pub/Sub's limits)."
  }
}
