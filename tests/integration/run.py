"""Runs every tests/integration/test_*.py and prints one closing line:
"integration: N passed, M failed". Exit status 1 on any failure."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    if len(sys.argv) > 1:
        # Named modules or tests only (make valgrind runs a subset).
        suite = unittest.defaultTestLoader.loadTestsFromNames(sys.argv[1:])
    else:
        suite = unittest.defaultTestLoader.discover(
            HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A test with several failing subtests is one failed test; a class
    # whose setUpClass failed is one failure and ran none of its tests.
    bad = {}
    for case, _ in result.failures + result.errors:
        case = getattr(case, "test_case", case)
        bad[case.id()] = hasattr(case, "_testMethodName")
    for case in result.unexpectedSuccesses:
        bad[case.id()] = True
    failed = len(bad)
    passed = result.testsRun - len(result.skipped) - sum(bad.values())
    print("integration: %d passed, %d failed, %d skipped" %
          (passed, failed, len(result.skipped)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
