"""A Python grpcio client against the Rust server: every call of the seed's
client, plus the error statuses. Exits non-zero on the first difference.

Usage: client_check.py STUB_DIR ADDRESS
"""
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import test_pb2  # noqa: E402
import test_pb2_grpc  # noqa: E402


def expect(actual, expected, what):
    if actual != expected:
        sys.exit(f"{what}: expected {expected!r}, got {actual!r}")


def expect_status(call, code, what, details=None):
    try:
        call()
    except grpc.RpcError as error:
        expect(error.code(), code, what)
        if details is not None:
            expect(error.details(), details, what)
        return
    sys.exit(f"{what}: expected {code}, got a result")


def main():
    with grpc.insecure_channel(sys.argv[2]) as channel:
        stub = test_pb2_grpc.DemoStub(channel)
        Work = test_pb2.Work
        for op, expected in [(Work.ADD, 120), (Work.SUBTRACT, 80), (Work.MULTIPLY, 2000), (Work.DIVIDE, 5)]:
            expect(stub.Calculate(Work(num1=100, num2=20, op=op)).val, expected, f"op {op}")
        expect(stub.Calculate(Work(num1=-7, num2=2, op=Work.DIVIDE)).val, -4, "floor division")
        expect_status(lambda: stub.Calculate(Work(num1=1, num2=0, op=Work.DIVIDE)),
                      grpc.StatusCode.INVALID_ARGUMENT, "divide by zero", "cannot divide by 0")
        expect_status(lambda: stub.Calculate(Work(num1=1, num2=1, op=7)),
                      grpc.StatusCode.INVALID_ARGUMENT, "invalid operation", "invalid operation")
        expect_status(lambda: stub.Calculate(Work(num1=2**31 - 1, num2=1, op=Work.ADD)),
                      grpc.StatusCode.OUT_OF_RANGE, "overflow")

        subjects = [s.name for s in stub.GetSubjects(test_pb2.City(name="beijing"))]
        expect(subjects, ["python", "c++", "go", "产品经理", "测试", "运维", "java", "php"], "subjects")
        expect_status(lambda: list(stub.GetSubjects(test_pb2.City(name="atlantis"))),
                      grpc.StatusCode.NOT_FOUND, "unknown city")

        total = stub.Accumulate(test_pb2.Delta(val=v) for v in range(1, 11))
        expect(total.val, 55, "accumulate")

        answers = [(a.val, a.desc) for a in stub.GuessNumber(test_pb2.Number(val=v) for v in [3, 15, 9, 20, 0])]
        expect(answers, [(3, "bingo"), (9, "bingo"), (0, "bingo")], "guess number")
    print("python client: every call answered as expected")


if __name__ == "__main__":
    main()
