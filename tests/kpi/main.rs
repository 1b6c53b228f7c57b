//! The integration tests, in one binary (each test binary links polars again).

mod appraisal;
mod cli;
mod competitors;
mod damaged;
mod diagnostics;
mod diff;
mod engine_semantics;
mod example;
mod extends;
mod feedback;
mod functions;
mod fuzz;
mod grammar;
mod init;
mod layers;
mod limits;
mod parts;
mod platforms;
mod quality;
mod report;
mod rollups;
mod schema;
mod show;
mod social_brand;
mod suite;
mod support;
