# tflint with its bundled Terraform rules only (no plugin download): scripts/tfcheck.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}
