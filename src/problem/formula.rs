//! A problem whose formula the user types, such as `x^2 + 10*y^2` or
//! `sin(x)*cos(y) + 0.1*(x^2 + y^2)`: parsed into a tree once, then its
//! value, gradient and Hessian by forward-mode automatic differentiation of
//! second order (each number carries its first and second derivatives in x
//! and y through every operation), so no finite differences.
//!
//! Grammar: numbers (`2`, `0.5`, `1e-3`), the variables `x` and `y`, the
//! constants `pi` and `e`, `+ - * / ^` (`^` binds tightest and to the right;
//! `-x^2` is `-(x^2)`), parentheses, and the functions `sin cos tan exp log
//! sqrt tanh abs`.

use std::fmt;

use nalgebra::DMatrix;

use super::jet::Jet;
use super::minima::local_minima;
use super::{Landscape, Objective, Window};

/// The longest formula accepted, in characters.
pub const MAX_FORMULA_LENGTH: usize = 500;

/// What is wrong with a formula, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaError {
    /// The character (from 1) where the problem is.
    pub position: usize,
    /// What the parser expected there.
    pub expected: String,
    /// What it found instead.
    pub found: String,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at character {}: expected {}, found {}",
            self.position, self.expected, self.found
        )
    }
}

impl std::error::Error for FormulaError {}

/// A function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    Sin,
    Cos,
    Tan,
    Exp,
    Log,
    Sqrt,
    Tanh,
    Abs,
}

const FUNCTIONS: [(&str, Function); 8] = [
    ("sin", Function::Sin),
    ("cos", Function::Cos),
    ("tan", Function::Tan),
    ("exp", Function::Exp),
    ("log", Function::Log),
    ("sqrt", Function::Sqrt),
    ("tanh", Function::Tanh),
    ("abs", Function::Abs),
];

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Number(f64),
    X,
    Y,
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Pow(Box<Expr>, Box<Expr>),
    Call(Function, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Symbol(char),
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Number(v) => format!("the number {v}"),
            Token::Name(n) => format!("'{n}'"),
            Token::Symbol(c) => format!("'{c}'"),
            Token::End => "the end of the formula".into(),
        }
    }
}

/// Splits `text` into tokens, each with the character (from 1) it starts at.
fn tokens(text: &str) -> Result<Vec<(Token, usize)>, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || chars[j] == '.'
                    || ((chars[j] == 'e' || chars[j] == 'E')
                        && chars
                            .get(j + 1)
                            .is_some_and(|n| n.is_ascii_digit() || *n == '-' || *n == '+'))
                    || ((chars[j] == '-' || chars[j] == '+')
                        && j > i
                        && matches!(chars[j - 1], 'e' | 'E')))
            {
                j += 1;
            }
            let literal: String = chars[i..j].iter().collect();
            let value = literal.parse::<f64>().map_err(|_| FormulaError {
                position: start,
                expected: "a number".into(),
                found: format!("'{literal}'"),
            })?;
            out.push((Token::Number(value), start));
            i = j;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            out.push((Token::Name(chars[i..j].iter().collect()), start));
            i = j;
        } else if "+-*/^()".contains(c) {
            out.push((Token::Symbol(c), start));
            i += 1;
        } else {
            return Err(FormulaError {
                position: start,
                expected: "a number, x, y, a function, an operator (+ - * / ^) or a parenthesis"
                    .into(),
                found: format!("'{c}'"),
            });
        }
    }
    out.push((Token::End, chars.len() + 1));
    Ok(out)
}

/// A precedence-climbing parser over the tokens.
struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &(Token, usize) {
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> (Token, usize) {
        let token = self.peek().clone();
        self.next += 1;
        token
    }

    fn error(&self, expected: &str) -> FormulaError {
        let (token, position) = self.peek();
        FormulaError {
            position: *position,
            expected: expected.into(),
            found: token.describe(),
        }
    }

    /// sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        while let Token::Symbol(op @ ('+' | '-')) = self.peek().0 {
            self.bump();
            let right = self.product()?;
            left = if op == '+' {
                Expr::Add(Box::new(left), Box::new(right))
            } else {
                Expr::Sub(Box::new(left), Box::new(right))
            };
        }
        Ok(left)
    }

    /// product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Token::Symbol(op @ ('*' | '/')) = self.peek().0 {
            self.bump();
            let right = self.unary()?;
            left = if op == '*' {
                Expr::Mul(Box::new(left), Box::new(right))
            } else {
                Expr::Div(Box::new(left), Box::new(right))
            };
        }
        Ok(left)
    }

    /// unary := '-' unary | '+' unary | power
    fn unary(&mut self) -> Result<Expr, FormulaError> {
        match self.peek().0 {
            Token::Symbol('-') => {
                self.bump();
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Token::Symbol('+') => {
                self.bump();
                self.unary()
            }
            _ => self.power(),
        }
    }

    /// power := atom ('^' unary)?   (right-associative)
    fn power(&mut self) -> Result<Expr, FormulaError> {
        let base = self.atom()?;
        if self.peek().0 == Token::Symbol('^') {
            self.bump();
            let exponent = self.unary()?;
            return Ok(Expr::Pow(Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    /// atom := number | x | y | pi | e | function '(' sum ')' | '(' sum ')'
    fn atom(&mut self) -> Result<Expr, FormulaError> {
        const OPERAND: &str = "a number, x, y, pi, e, a function such as sin( or '('";
        match self.peek().0.clone() {
            Token::Number(v) => {
                self.bump();
                Ok(Expr::Number(v))
            }
            Token::Symbol('(') => {
                self.bump();
                let inner = self.sum()?;
                self.close()?;
                Ok(inner)
            }
            Token::Name(name) => {
                let constant = match name.as_str() {
                    "x" => Some(Expr::X),
                    "y" => Some(Expr::Y),
                    "pi" => Some(Expr::Number(std::f64::consts::PI)),
                    "e" => Some(Expr::Number(std::f64::consts::E)),
                    _ => None,
                };
                if let Some(expr) = constant {
                    self.bump();
                    return Ok(expr);
                }
                let Some(&(_, function)) = FUNCTIONS.iter().find(|(n, _)| *n == name) else {
                    let names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
                    return Err(
                        self.error(&format!("x, y, pi, e or a function ({})", names.join(", ")))
                    );
                };
                self.bump();
                if self.peek().0 != Token::Symbol('(') {
                    return Err(self.error(&format!("'(' after {name}")));
                }
                self.bump();
                let argument = self.sum()?;
                self.close()?;
                Ok(Expr::Call(function, Box::new(argument)))
            }
            _ => Err(self.error(OPERAND)),
        }
    }

    fn close(&mut self) -> Result<(), FormulaError> {
        if self.peek().0 == Token::Symbol(')') {
            self.bump();
            Ok(())
        } else {
            Err(self.error("')'"))
        }
    }
}

impl Jet {
    fn call(self, f: Function) -> Self {
        let v = self.v;
        match f {
            Function::Sin => self.chain(libm::sin(v), libm::cos(v), -libm::sin(v)),
            Function::Cos => self.chain(libm::cos(v), -libm::sin(v), -libm::cos(v)),
            Function::Tan => {
                let t = libm::tan(v);
                let s = 1.0 + t * t;
                self.chain(t, s, 2.0 * t * s)
            }
            Function::Exp => {
                let ex = libm::exp(v);
                self.chain(ex, ex, ex)
            }
            Function::Log => self.chain(libm::log(v), 1.0 / v, -1.0 / (v * v)),
            Function::Sqrt => {
                let r = libm::sqrt(v);
                self.chain(r, 0.5 / r, -0.25 / (r * v))
            }
            Function::Tanh => {
                let t = libm::tanh(v);
                let s = 1.0 - t * t;
                self.chain(t, s, -2.0 * t * s)
            }
            Function::Abs => self.chain(v.abs(), v.signum(), 0.0),
        }
    }
}

impl Expr {
    fn eval(&self, x: f64, y: f64) -> Jet {
        match self {
            Expr::Number(v) => Jet::constant(*v),
            Expr::X => Jet::variable(x, 0),
            Expr::Y => Jet::variable(y, 1),
            Expr::Neg(a) => {
                let a = a.eval(x, y);
                a.chain(-a.v, -1.0, 0.0)
            }
            Expr::Add(a, b) => a.eval(x, y).add(b.eval(x, y)),
            Expr::Sub(a, b) => a.eval(x, y).sub(b.eval(x, y)),
            Expr::Mul(a, b) => a.eval(x, y).mul(b.eval(x, y)),
            Expr::Div(a, b) => {
                let (a, b) = (a.eval(x, y), b.eval(x, y));
                if b.is_constant() {
                    // Dividing by a constant divides every derivative by it.
                    a.zip(Jet::constant(b.v), |p, _| p / b.v)
                } else {
                    a.mul(b.recip())
                }
            }
            Expr::Pow(a, b) => a.eval(x, y).pow(b.eval(x, y)),
            Expr::Call(f, a) => a.eval(x, y).call(*f),
        }
    }
}

/// A typed function of x and y with its window and start.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    text: String,
    expr: Expr,
    window: Window,
    start: [f64; 2],
    minima: Vec<[f64; 2]>,
}

/// Parses `text` into a tree; says where and what is wrong when it does not parse.
fn parse_expression(text: &str) -> Result<Expr, FormulaError> {
    let length = text.chars().count();
    if length > MAX_FORMULA_LENGTH {
        return Err(FormulaError {
            position: MAX_FORMULA_LENGTH + 1,
            expected: format!("at most {MAX_FORMULA_LENGTH} characters"),
            found: format!("{length}"),
        });
    }
    let mut parser = Parser {
        tokens: tokens(text)?,
        next: 0,
    };
    let expr = parser.sum()?;
    if parser.peek().0 != Token::End {
        return Err(parser.error("an operator (+ - * / ^) or the end of the formula"));
    }
    Ok(expr)
}

/// Whether `text` is a formula this module reads; the error says where and
/// what is wrong when it is not.
pub fn check(text: &str) -> Result<(), FormulaError> {
    parse_expression(text).map(|_| ())
}

impl Formula {
    /// Parses `text`; says where and what is wrong when it does not parse.
    pub fn parse(text: &str, window: Window, start: [f64; 2]) -> Result<Self, FormulaError> {
        let expr = parse_expression(text)?;
        let minima = local_minima(|x, y| expr.eval(x, y), window);
        Ok(Self {
            text: text.to_string(),
            expr,
            window,
            start,
            minima,
        })
    }

    /// The start used when a spec gives none: up and to the right of the
    /// window's centre, where a typed bowl's path has room to show.
    pub fn start_in(window: Window) -> [f64; 2] {
        [
            window.x_min + 0.8 * (window.x_max - window.x_min),
            window.y_min + 0.8 * (window.y_max - window.y_min),
        ]
    }

    /// The formula as typed.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl Objective for Formula {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        self.expr.eval(x[0], x[1]).v
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        grad.copy_from_slice(&self.expr.eval(x[0], x[1]).g);
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        let h = self.expr.eval(x[0], x[1]).h;
        Some(DMatrix::from_row_slice(
            2,
            2,
            &[h[0][0], h[0][1], h[1][0], h[1][1]],
        ))
    }
}

impl Landscape for Formula {
    fn window(&self) -> Window {
        self.window
    }

    fn default_start(&self) -> [f64; 2] {
        self.start
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        self.minima.clone()
    }
}
