variable "project_id" {
  description = "Project the function runs in."
  type        = string
}

variable "region" {
  description = "Region of the function and its Cloud Run service."
  type        = string
}

variable "name" {
  description = "The function's name in the code (fnlist.All): its entry point and the path in links."
  type        = string

  validation {
    condition     = can(regex("^[A-Z][A-Za-z]+$", var.name))
    error_message = "name must be a Go function name such as RequestForm."
  }
}

variable "service_name" {
  description = "Lowercase name of the deployed function and of its Cloud Run service, e.g. request-form."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z-]{0,26}[a-z]$", var.service_name))
    error_message = "service_name must be 2-28 lowercase letters or hyphens (it also names the service accounts)."
  }
}

variable "note" {
  description = "What the function does, shown as its description."
  type        = string
  default     = ""
}

variable "runtime" {
  description = "Cloud Functions Go runtime, e.g. go126."
  type        = string
}

variable "build_environment" {
  description = "Build variables for Google's Go buildpack: GOOGLE_FUNCTION_SOURCE, the function's own package."
  type        = map(string)
}

variable "build_service_account" {
  description = "Id of the service account Cloud Build runs the buildpack as."
  type        = string
}

variable "docker_repository" {
  description = "Id of the Artifact Registry repository the build writes the function's image to."
  type        = string
}

variable "source_bucket" {
  description = "Bucket of the uploaded source archive."
  type        = string
}

variable "source_object" {
  description = "Object name of the uploaded source archive."
  type        = string
}

variable "environment" {
  description = "Plain environment variables (never a secret)."
  type        = map(string)
}

variable "secrets" {
  description = "Environment variable => Secret Manager secret id: mounted, and readable by this function alone among the others."
  type        = map(string)
}

variable "secret_versions" {
  description = "Environment variable => pinned version of its secret."
  type        = map(string)
}

variable "firestore_role" {
  description = "The project role for Firestore: roles/datastore.viewer for a function that only reads, else roles/datastore.user."
  type        = string

  validation {
    condition     = contains(["roles/datastore.viewer", "roles/datastore.user"], var.firestore_role)
    error_message = "firestore_role must be roles/datastore.viewer or roles/datastore.user."
  }
}

variable "publishes" {
  description = "Names of the topics the function publishes to (publisher on those topics only)."
  type        = list(string)
  default     = []
}

variable "public" {
  description = "Anyone may invoke it (the pages and their forms; the links carry the authority)."
  type        = bool
  default     = false
}

variable "ingress" {
  description = "Ingress setting of the service."
  type        = string
}

variable "memory" {
  description = "Memory per instance, e.g. 256Mi or 1Gi."
  type        = string

  validation {
    condition     = can(regex("^[1-9][0-9]*(Mi|Gi)$", var.memory))
    error_message = "memory must be a whole number of Mi or Gi, e.g. 256Mi or 1Gi."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at a time."
  type        = number
}

variable "timeout_seconds" {
  description = "Request timeout; for a topic function also the push acknowledgement deadline (at most 600)."
  type        = number
}

variable "max_instances" {
  description = "Upper bound on instances."
  type        = number
}

variable "topic" {
  description = "Name of the topic whose messages trigger the function (a native push subscription); null for an HTTP function."
  type        = string
  default     = null
}

variable "topic_ids" {
  description = "Topic name => topic id, for the trigger and publishing."
  type        = map(string)
  default     = {}
}

variable "max_delivery_attempts" {
  description = "Deliveries of one message (backoff 10 s to 10 min) before it moves to the dead-letter topic."
  type        = number
  default     = 5
}

variable "dead_letter_retention" {
  description = "How long a dead letter is kept for an operator to inspect and replay."
  type        = string
  default     = "604800s"
}

variable "pubsub_service_agent" {
  description = "Email of the project's Pub/Sub service agent, which signs push tokens and moves dead letters."
  type        = string
  default     = ""
}
