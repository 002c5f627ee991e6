"""placeholder"""
KERNELS: dict = {}
