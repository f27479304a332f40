"""KLUE-RE data: labels, row schema, validated reading and writing."""
