//! The generated tonic server and client talk over loopback, for each kind
//! of method of the seed's `Demo` service: unary, server streaming, client
//! streaming and bidirectional streaming.

use std::pin::Pin;

use codegen_tests::demo_client::DemoClient;
use codegen_tests::demo_server::{Demo, DemoServer};
use codegen_tests::{work, Answer, City, Delta, Number, Result as CalcResult, Subject, Sum, Work};
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

/// A small implementation: enough to show each call's data goes both ways.
struct Service;

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl Demo for Service {
    async fn calculate(&self, request: Request<Work>) -> Result<Response<CalcResult>, Status> {
        let work = request.into_inner();
        let val = match work.op() {
            work::Operation::Add => work.num1 + work.num2,
            work::Operation::Subtract => work.num1 - work.num2,
            work::Operation::Multiply => work.num1 * work.num2,
            work::Operation::Divide => work.num1 / work.num2,
        };
        Ok(Response::new(CalcResult { val }))
    }

    type GetSubjectsStream = Boxed<Subject>;

    async fn get_subjects(
        &self,
        request: Request<City>,
    ) -> Result<Response<Self::GetSubjectsStream>, Status> {
        let city = request.into_inner().name;
        let subjects = ["Python", "Java"].map(|s| {
            Ok(Subject {
                name: format!("{city}:{s}"),
            })
        });
        Ok(Response::new(Box::pin(tokio_stream::iter(subjects))))
    }

    async fn accumulate(
        &self,
        request: Request<Streaming<Delta>>,
    ) -> Result<Response<Sum>, Status> {
        let mut stream = request.into_inner();
        let mut val = 0;
        while let Some(delta) = stream.next().await {
            val += delta?.val;
        }
        Ok(Response::new(Sum { val }))
    }

    type GuessNumberStream = Boxed<Answer>;

    async fn guess_number(
        &self,
        request: Request<Streaming<Number>>,
    ) -> Result<Response<Self::GuessNumberStream>, Status> {
        let answers = request.into_inner().filter_map(|number| match number {
            Ok(n) if n.val % 2 == 0 => Some(Ok(Answer {
                val: n.val,
                desc: "bingo".into(),
            })),
            Ok(_) => None,
            Err(status) => Some(Err(status)),
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

#[tokio::test]
async fn server_and_client_talk_over_loopback() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(DemoServer::new(Service))
            .serve_with_incoming(incoming),
    );
    let mut client = DemoClient::connect(format!("http://{address}"))
        .await
        .unwrap();

    let work = Work {
        num1: 100,
        num2: 20,
        op: work::Operation::Divide as i32,
    };
    assert_eq!(client.calculate(work).await.unwrap().into_inner().val, 5);

    let mut subjects = client
        .get_subjects(City {
            name: "beijing".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut names = Vec::new();
    while let Some(subject) = subjects.next().await {
        names.push(subject.unwrap().name);
    }
    assert_eq!(names, ["beijing:Python", "beijing:Java"]);

    let deltas = tokio_stream::iter((1..=10).map(|val| Delta { val }));
    assert_eq!(
        client.accumulate(deltas).await.unwrap().into_inner().val,
        55
    );

    let numbers = tokio_stream::iter((1..=6).map(|val| Number { val }));
    let mut answers = client.guess_number(numbers).await.unwrap().into_inner();
    let mut even = Vec::new();
    while let Some(answer) = answers.next().await {
        let answer = answer.unwrap();
        assert_eq!(answer.desc, "bingo");
        even.push(answer.val);
    }
    assert_eq!(even, [2, 4, 6]);
}
