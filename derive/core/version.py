"""The package version, in the bottom layer so that every layer can name it without importing the façade."""

VERSION = "0.1.0"
