"""A Python grpcio server that behaves like the seed's server.py, on an
ephemeral port: it prints the port, then serves until stdin closes.

Usage: server.py STUB_DIR
"""
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import test_pb2  # noqa: E402
import test_pb2_grpc  # noqa: E402


class DemoServicer(test_pb2_grpc.DemoServicer):
    """The seed's servicer (server.py), unchanged in behaviour."""

    def __init__(self):
        self.city_subjects_db = {
            'beijing': ['python', 'c++', 'go', '产品经理', '测试', '运维', 'java', 'php'],
            'shanghai': ['python', 'c++', 'go', '测试', '运维', 'java', 'php'],
            'wuhan': ['python', '测试', 'java', 'php'],
        }
        self.answers = list(range(10))

    def Calculate(self, request, context):
        if request.op == test_pb2.Work.ADD:
            return test_pb2.Result(val=request.num1 + request.num2)
        elif request.op == test_pb2.Work.SUBTRACT:
            return test_pb2.Result(val=request.num1 - request.num2)
        elif request.op == test_pb2.Work.MULTIPLY:
            return test_pb2.Result(val=request.num1 * request.num2)
        elif request.op == test_pb2.Work.DIVIDE:
            if request.num2 == 0:
                context.set_code(grpc.StatusCode.INVALID_ARGUMENT)
                context.set_details('cannot divide by 0')
                return test_pb2.Result()
            return test_pb2.Result(val=request.num1 // request.num2)
        else:
            context.set_code(grpc.StatusCode.INVALID_ARGUMENT)
            context.set_details('invalid operation')
            return test_pb2.Result()

    def GetSubjects(self, request, context):
        for subject in self.city_subjects_db.get(request.name):
            yield test_pb2.Subject(name=subject)

    def Accumulate(self, request_iterator, context):
        return test_pb2.Sum(val=sum(request.val for request in request_iterator))

    def GuessNumber(self, request_iterator, context):
        for request in request_iterator:
            if request.val in self.answers:
                yield test_pb2.Answer(val=request.val, desc='bingo')


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    test_pb2_grpc.add_DemoServicer_to_server(DemoServicer(), server)
    port = server.add_insecure_port('127.0.0.1:0')
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == '__main__':
    main()
