# The three keys, by the environment variable that carries them (shared/config). Terraform
# creates the secrets, never their values: the operator adds a version to each before the
# functions are deployed (README, "Secrets"), so no key ever lands in Terraform state.
# Each fn_*.tf grants its own service account access to exactly the secrets it mounts.

locals {
  secret_ids = {
    SENDGRID_API_KEY  = "sendgrid-api-key"
    LINK_SIGNING_KEY  = "link-signing-key"
    ID_ENCRYPTION_KEY = "id-encryption-key"
  }
}

resource "google_secret_manager_secret" "keys" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = each.value

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
