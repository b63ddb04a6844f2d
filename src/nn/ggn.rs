//! The Gauss–Newton matrix of the classifier.
