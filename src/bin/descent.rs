//! `descent`: the command-line tool.

use clap::{Parser, Subcommand};
use descent::optim::registry::OPTIMIZERS;
use descent::param::ParamSpec;
use descent::problem::registry::PROBLEMS;

/// Descent: optimization algorithms for machine learning, from the command line.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lists every problem and optimizer with its parameters.
    List,
}

fn describe(params: &[ParamSpec]) -> String {
    params
        .iter()
        .map(|p| {
            let scale = if p.log_scale { ", log" } else { "" };
            format!(
                "    {} ({}) = {}  in [{}, {}]{}: {}",
                p.name, p.symbol, p.default, p.min, p.max, scale, p.doc
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    match Cli::parse().command {
        Command::List => {
            println!("Problems:");
            for p in PROBLEMS {
                println!("  {}: {}  ({})", p.name, p.label, p.formula);
                if !p.params.is_empty() {
                    println!("{}", describe(p.params));
                }
            }
            println!("\nOptimizers:");
            for o in OPTIMIZERS {
                println!("  {}: {}  ({})", o.name, o.label, o.equations);
                println!("{}", describe(o.params));
            }
        }
    }
}
