# a student's experiment left running at the top level of the notebook
k = 0
while True:
    k += 1
