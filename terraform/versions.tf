terraform {
  # check blocks (1.5) and terraform_data (1.4) are used below.
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }

  # State lives in a versioned bucket the operator creates once (README, "First deployment"); the bucket
  # name is given at init time so that one configuration serves every corporation's project:
  #   terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=privacyloket"
  backend "gcs" {}
}
