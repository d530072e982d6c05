from kefu.revisits.tests.fixtures import rv

__all__ = ["rv"]
