/* implicit_decl, second file: the function main.c calls without a declaration. */
int add_numbers(int a, int b)
{
    return a + b;
}
