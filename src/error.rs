//! Errors that name every bad field of a user's input at once.

use std::fmt;

/// One thing wrong with one field of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Where the bad value sits, for example `problem.kappa` or `runs[1].lr`.
    pub field: String,
    /// What is wrong with it and what would be accepted.
    pub message: String,
}

impl FieldError {
    /// Makes an error for `field` saying `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in an input, so the user can fix them all in one go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The individual problems, in the order they were found.
    pub errors: Vec<FieldError>,
}

impl SpecError {
    /// An error holding a single field problem.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError::new(field, message)],
        }
    }

    /// Turns a list of problems into `Ok(value)` when it is empty, else an error.
    pub fn check<T>(errors: Vec<FieldError>, value: T) -> Result<T, SpecError> {
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(SpecError { errors })
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("; "))
    }
}

impl std::error::Error for SpecError {}
