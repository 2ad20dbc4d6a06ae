variable "project_id" {
  description = "Google Cloud project that runs Privacyloket for one housing corporation."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "project_number" {
  description = "Number of project_id. null (the default): looked up. Set it only where the lookup cannot run, e.g. an offline plan."
  type        = string
  default     = null

  validation {
    condition     = var.project_number == null || can(regex("^[0-9]{6,20}$", var.project_number))
    error_message = "project_number must be null or the project's number (digits)."
  }
}

variable "region" {
  description = "Region for the functions, the topics' storage, the source bucket and the secrets' replicas: a region inside the EEA (A §11). europe-west4 is in the Netherlands."
  type        = string
  default     = "europe-west4"

  # Regions in the European Economic Area; not europe-west2 (London) or europe-west6 (Zurich).
  validation {
    condition     = can(regex("^europe-(west(1|3|4|8|9|10|12)|north[12]|central2|southwest1)$", var.region))
    error_message = "region must be a Google Cloud region inside the EEA, such as europe-west4 (Netherlands), europe-west1 (Belgium) or europe-west3 (Frankfurt)."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: the EU multi-region eur3 or a region inside the EEA. It cannot be changed after the first apply."
  type        = string
  default     = "eur3"

  validation {
    condition     = var.firestore_location == "eur3" || can(regex("^europe-(west(1|3|4|8|9|10|12)|north[12]|central2|southwest1)$", var.firestore_location))
    error_message = "firestore_location must be eur3 or a region inside the EEA, such as europe-west4."
  }
}

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler job that publishes the ticks; null means var.region."
  type        = string
  default     = null

  validation {
    condition     = var.scheduler_region == null || can(regex("^europe-(west(1|3|4|8|9|10|12)|north[12]|central2|southwest1)$", var.scheduler_region))
    error_message = "scheduler_region must be null or a region inside the EEA, such as europe-west1."
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

variable "trusted_proxy_hops" {
  description = "TRUSTED_PROXY_HOPS: how many proxies in front of the functions append to X-Forwarded-For. null: 2 behind this configuration's load balancer (domain set), 1 for functions reached at their own URL. Add 1 for each further appending proxy (a CDN, Firebase Hosting) that routes <base>/<Name> when domain is empty."
  type        = number
  default     = null

  validation {
    condition     = var.trusted_proxy_hops == null ? true : (var.trusted_proxy_hops >= 0 && var.trusted_proxy_hops <= 10 && floor(var.trusted_proxy_hops) == var.trusted_proxy_hops)
    error_message = "trusted_proxy_hops must be null or a whole number from 0 to 10."
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
  description = "Base URL of the SendGrid v3 API (SENDGRID_API_HOST). The default is SendGrid's EU host, which needs an EU regional subuser (README, \"SendGrid in the EU\")."
  type        = string
  default     = "https://api.eu.sendgrid.com"

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

variable "secret_versions" {
  description = "Secret version each function mounts, by environment variable: pinned, so that a new version takes effect only with an apply (README, \"Rotating keys\")."
  type        = map(string)
  default = {
    LINK_SIGNING_KEY  = "1"
    ID_ENCRYPTION_KEY = "1"
    SENDGRID_API_KEY  = "1"
    PSEUDONYM_KEY     = "1"
  }

  validation {
    condition     = alltrue([for k in ["LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY", "SENDGRID_API_KEY", "PSEUDONYM_KEY"] : can(regex("^[1-9][0-9]*$", lookup(var.secret_versions, k, "")))])
    error_message = "secret_versions must give a version number (not \"latest\") for LINK_SIGNING_KEY, ID_ENCRYPTION_KEY, SENDGRID_API_KEY and PSEUDONYM_KEY."
  }
}

variable "link_signing_key_previous_version" {
  description = "During a link-key rotation: the version of secret link-signing-key-previous (the old key) that every function mounts as LINK_SIGNING_KEY_PREVIOUS, so links already sent keep working. null: no previous key; old links stop working."
  type        = string
  default     = null

  validation {
    condition     = var.link_signing_key_previous_version == null || can(regex("^[1-9][0-9]*$", var.link_signing_key_previous_version))
    error_message = "link_signing_key_previous_version must be null or a version number."
  }
}

variable "notification_channels" {
  description = "Monitoring notification channels (projects/<p>/notificationChannels/<id>) every alert and the budget notify."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "notification_channels must be ids like projects/<project>/notificationChannels/<id>."
  }
}

variable "latency_p95_ms" {
  description = "Alert when RequestForm's 95th-percentile latency stays above this many milliseconds for 5 minutes."
  type        = number
  default     = 3000

  validation {
    condition     = var.latency_p95_ms >= 100
    error_message = "latency_p95_ms must be at least 100."
  }
}

variable "errors_5xx_per_5min" {
  description = "Alert when the public functions together answer more than this many 5xx in 5 minutes."
  type        = number
  default     = 5

  validation {
    condition     = var.errors_5xx_per_5min >= 0
    error_message = "errors_5xx_per_5min must not be negative."
  }
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) for an optional monthly budget alert; empty: no budget."
  type        = string
  default     = ""

  validation {
    condition     = var.billing_account == "" || can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account))
    error_message = "billing_account must be empty or an id like 012345-6789AB-CDEF01."
  }
}

variable "monthly_budget_eur" {
  description = "Monthly budget in euros for the budget alert (with billing_account)."
  type        = number
  default     = 100

  validation {
    condition     = var.monthly_budget_eur > 0 && floor(var.monthly_budget_eur) == var.monthly_budget_eur
    error_message = "monthly_budget_eur must be a positive whole number."
  }
}

variable "backup_retention_days" {
  description = "Days each daily Firestore backup is kept. An erased case lingers in backups at most this long (plus 7 days of point-in-time recovery)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 30 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number from 1 to 30: longer keeps erased cases too long."
  }
}

variable "firestore_kms_key" {
  description = "Optional CMEK for Firestore (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>), in the database's location; fixed at creation. Empty: Google-managed keys."
  type        = string
  default     = ""

  validation {
    condition     = var.firestore_kms_key == "" || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.firestore_kms_key))
    error_message = "firestore_kms_key must be empty or a Cloud KMS key id."
  }
}

variable "secrets_kms_key" {
  description = "Optional CMEK for the secrets, in var.region. Empty: Google-managed keys."
  type        = string
  default     = ""

  validation {
    condition     = var.secrets_kms_key == "" || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.secrets_kms_key))
    error_message = "secrets_kms_key must be empty or a Cloud KMS key id."
  }
}

variable "armor_post_limit" {
  description = "Cloud Armor: POSTs to RequestForm and UploadID one client address may make per minute before it gets 429."
  type        = number
  default     = 10

  validation {
    condition     = var.armor_post_limit >= 1 && floor(var.armor_post_limit) == var.armor_post_limit
    error_message = "armor_post_limit must be a positive whole number."
  }
}
