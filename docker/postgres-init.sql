-- One PostgreSQL server, two databases: Airflow's metadata and the clean articles.
CREATE USER airflow WITH PASSWORD 'airflow';
CREATE DATABASE airflow OWNER airflow;
CREATE USER articles WITH PASSWORD 'articles';
CREATE DATABASE articles OWNER articles;
