//! The seed client's calls, in its order, printed the way it prints them.

use std::io::Write;

use tokio_stream::StreamExt;
use tonic::Code;

use crate::proto::demo_client::DemoClient;
use crate::proto::{work::Operation, City, Delta, Number, Work};

/// Small pseudo-random numbers for the deltas and guesses (the seed uses
/// Python's `random.randint`); seeded from the clock.
pub struct Dice(u64);

impl Dice {
    pub fn from_clock() -> Dice {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Dice(nanos | 1)
    }

    /// A number from `low` to `high`, both included.
    pub fn roll(&mut self, low: i32, high: i32) -> i32 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + (self.0 % (high - low + 1) as u64) as i32
    }
}

/// Connects to `addr` and makes every call of the seed's client, writing
/// its lines to `out`. An error is a failure the seed's client would not
/// expect (division by zero is expected).
pub async fn run(
    addr: &str,
    out: &mut impl Write,
    dice: &mut Dice,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut client = DemoClient::connect(format!("http://{addr}")).await?;
    invoke_calculate(&mut client, out).await?;
    invoke_get_subjects(&mut client, out).await?;
    invoke_accumulate(&mut client, out, dice).await?;
    invoke_guess_number(&mut client, out, dice).await?;
    Ok(())
}

type Client = DemoClient<tonic::transport::Channel>;

async fn invoke_calculate(
    client: &mut Client,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut work = Work {
        num1: 100,
        num2: 20,
        op: Operation::Add as i32,
    };
    for (op, sign) in [
        (Operation::Add, "+"),
        (Operation::Subtract, "-"),
        (Operation::Multiply, "*"),
        (Operation::Divide, "//"),
    ] {
        work.op = op as i32;
        let result = client.calculate(work).await?.into_inner();
        writeln!(out, "100 {sign} 20 = {}", result.val)?;
    }
    work.num2 = 0;
    match client.calculate(work).await {
        Ok(result) => writeln!(out, "100 // 20 = {}", result.into_inner().val)?,
        Err(status) if status.code() == Code::InvalidArgument => {
            writeln!(out, "StatusCode.INVALID_ARGUMENT: {}", status.message())?
        }
        Err(status) => return Err(status.into()),
    }
    Ok(())
}

async fn invoke_get_subjects(
    client: &mut Client,
    out: &mut impl Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut subjects = client
        .get_subjects(City {
            name: "beijing".into(),
        })
        .await?
        .into_inner();
    while let Some(subject) = subjects.next().await {
        writeln!(out, "{}", subject?.name)?;
    }
    Ok(())
}

async fn invoke_accumulate(
    client: &mut Client,
    out: &mut impl Write,
    dice: &mut Dice,
) -> Result<(), Box<dyn std::error::Error>> {
    let deltas: Vec<i32> = (0..10).map(|_| dice.roll(1, 100)).collect();
    for delta in &deltas {
        writeln!(out, "{delta}")?;
    }
    let stream = tokio_stream::iter(deltas.into_iter().map(|val| Delta { val }));
    let sum = client.accumulate(stream).await?.into_inner();
    writeln!(out, "sum={}", sum.val)?;
    Ok(())
}

/// Sends each number and prints the answers as they come back.
async fn invoke_guess_number(
    client: &mut Client,
    out: &mut impl Write,
    dice: &mut Dice,
) -> Result<(), Box<dyn std::error::Error>> {
    let numbers: Vec<i32> = (0..10).map(|_| dice.roll(1, 20)).collect();
    for number in &numbers {
        writeln!(out, "{number}")?;
    }
    let stream = tokio_stream::iter(numbers.into_iter().map(|val| Number { val }));
    let mut answers = client.guess_number(stream).await?.into_inner();
    while let Some(answer) = answers.next().await {
        let answer = answer?;
        writeln!(out, "{}: {}", answer.desc, answer.val)?;
    }
    Ok(())
}
