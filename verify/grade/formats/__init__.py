"""The files autograders, CI systems and gradebooks read, each made from graded submissions (score.Graded)."""
