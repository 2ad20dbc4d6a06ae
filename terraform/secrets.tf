# The four keys, by the environment variable that carries them (shared/config). Terraform
# creates the secrets, never their values: the operator adds a version to each (README,
# "Secrets"), so no key ever lands in Terraform state. Each function mounts the version pinned
# in var.secret_versions and may read exactly the secrets it mounts (modules/function).

locals {
  secret_ids = {
    SENDGRID_API_KEY  = "sendgrid-api-key"
    LINK_SIGNING_KEY  = "link-signing-key"
    ID_ENCRYPTION_KEY = "id-encryption-key"
    # Its own secret, never derived from the link key: a link-key rotation then keeps every
    # desk session, sign-out record and rate-limit counter (shared/fnlist SecretPseudonymKey).
    PSEUDONYM_KEY = "pseudonym-key"
  }
}

resource "google_secret_manager_secret" "keys" {
  for_each = local.secret_ids

  project             = var.project_id
  secret_id           = each.value
  deletion_protection = true

  replication {
    user_managed {
      replicas {
        location = var.region

        dynamic "customer_managed_encryption" {
          for_each = var.secrets_kms_key == "" ? [] : [var.secrets_kms_key]

          content {
            kms_key_name = customer_managed_encryption.value
          }
        }
      }
    }
  }

  depends_on = [google_project_service.enabled, google_kms_crypto_key_iam_member.secrets]
}

# LINK_SIGNING_KEY_PREVIOUS: during a rotation, the key(s) that no longer make links but still
# open the links they made. Mounted next to LINK_SIGNING_KEY only while
# var.link_signing_key_previous_version is set; empty otherwise.
resource "google_secret_manager_secret" "link_key_previous" {
  project             = var.project_id
  secret_id           = "link-signing-key-previous"
  deletion_protection = true

  replication {
    user_managed {
      replicas {
        location = var.region

        dynamic "customer_managed_encryption" {
          for_each = var.secrets_kms_key == "" ? [] : [var.secrets_kms_key]

          content {
            kms_key_name = customer_managed_encryption.value
          }
        }
      }
    }
  }

  depends_on = [google_project_service.enabled, google_kms_crypto_key_iam_member.secrets]
}

# With CMEK, Secret Manager's service agent encrypts with the operator's key. The agent exists
# once the API has been used; on a fresh project create it first (README, "Optional: CMEK").
resource "google_kms_crypto_key_iam_member" "secrets" {
  count = var.secrets_kms_key == "" ? 0 : 1

  crypto_key_id = var.secrets_kms_key
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-${local.project_number}@gcp-sa-secretmanager.iam.gserviceaccount.com"
}
