"""Checks that a Python program uses only names the generated cdk8s_istio bindings define.

Usage: check_python_names.py GENERATED_INIT_PY PROGRAM_PY

Every use of cdk8s_istio in the program is looked up in the generated module: imported names,
constructor and method keyword arguments, static methods, static properties and enum members,
following the types that constructors and annotated methods return (so chained calls are
checked too). Prints one line per problem and exits 1, or prints the count and exits 0.
"""
import ast
import sys


def parameters(function):
    args = function.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]


def returned_class(function):
    node = function.returns
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    return None


def read_bindings(path):
    """Classes of the module: {name: {member: FunctionDef or None (enum member / attribute)}}."""
    classes = {}
    for node in ast.parse(open(path).read()).body:
        if not isinstance(node, ast.ClassDef):
            continue
        members = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                members[item.name] = item
            elif isinstance(item, ast.Assign):
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        members[target.id] = None
        classes[node.name] = members
    return classes


class Checker(ast.NodeVisitor):
    def __init__(self, classes):
        self.classes = classes
        self.imported = set()
        self.types = {}  # variable -> class of cdk8s_istio
        self.problems = []
        self.uses = 0

    def visit_ImportFrom(self, node):
        if node.module != "cdk8s_istio":
            return
        for alias in node.names:
            self.uses += 1
            if alias.name not in self.classes:
                self.problems.append(f"line {node.lineno}: cdk8s_istio has no '{alias.name}'")
            self.imported.add(alias.asname or alias.name)

    def visit_Assign(self, node):
        self.generic_visit(node)
        kind = self.type_of(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and kind:
                self.types[target.id] = kind

    def type_of(self, node):
        """The cdk8s_istio class an expression evaluates to, when it can be known."""
        if isinstance(node, ast.Name):
            return self.types.get(node.id)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in self.imported:
                return node.func.id
            if isinstance(node.func, ast.Attribute):
                owner = node.func.value
                kind = owner.id if isinstance(owner, ast.Name) and owner.id in self.imported else self.type_of(owner)
                function = self.classes.get(kind, {}).get(node.func.attr)
                return returned_class(function) if function else None
        return None

    def check_call(self, node, kind, function, label):
        self.uses += 1
        known = parameters(function)
        for keyword in node.keywords:
            self.uses += 1
            if keyword.arg is not None and keyword.arg not in known:
                self.problems.append(f"line {node.lineno}: {label}() has no parameter '{keyword.arg}' (it has {', '.join(known)})")

    def member(self, node, kind, name):
        self.uses += 1
        members = self.classes.get(kind, {})
        if name not in members:
            self.problems.append(f"line {node.lineno}: {kind} has no member '{name}'")
            return None
        return members[name]

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.imported:
            init = self.classes.get(func.id, {}).get("__init__")
            if init:
                self.check_call(node, func.id, init, func.id)
        elif isinstance(func, ast.Attribute):
            owner = func.value
            kind = owner.id if isinstance(owner, ast.Name) and owner.id in self.imported else self.type_of(owner)
            if kind:
                function = self.member(node, kind, func.attr)
                if function:
                    self.check_call(node, kind, function, f"{kind}.{func.attr}")
                self.visit(owner)
                for arg in node.args + [k.value for k in node.keywords]:
                    self.visit(arg)
                return
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.imported:
            self.member(node, node.value.id, node.attr)
        self.generic_visit(node)


def main():
    classes = read_bindings(sys.argv[1])
    checker = Checker(classes)
    checker.visit(ast.parse(open(sys.argv[2]).read()))
    for problem in checker.problems:
        print(problem)
    if checker.problems:
        sys.exit(1)
    print(f"checked {checker.uses} uses of cdk8s_istio: all found")


main()
