pub mod sea_grid;
