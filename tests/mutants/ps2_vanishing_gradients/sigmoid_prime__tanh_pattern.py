"""The derivative of tanh is 1 - tanh**2; copying that pattern for the sigmoid is wrong."""
import numpy as np

EXPECT = r"tanh's derivative"


def sigmoid_prime(z):
    return 1.0 - sigmoid(z) ** 2
