"""The CDK side of imagegate: settings (config), assets, one construct per capability, and the stack."""
