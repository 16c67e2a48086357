"""Health checks for load balancers and operators."""
